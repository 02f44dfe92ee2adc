"""The MCP server: the directory's search, health, compatibility and grids as tools."""
