"""API routers: one module per area, each thin (parse, call services, shape)."""
