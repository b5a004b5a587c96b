from olive_ls.cli import main

raise SystemExit(main())
