"""HTTP routers, one module per resource; each is included in app.main."""
