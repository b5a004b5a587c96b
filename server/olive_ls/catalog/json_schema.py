def build_run_config_schema(catalog_data: dict) -> dict:
    return {}
