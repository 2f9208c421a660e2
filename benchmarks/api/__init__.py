"""HTTP API benchmark: /match under uvicorn with concurrent clients (see __main__)."""
