"""App configuration for `packagegrid.mcp`."""

from django.apps import AppConfig


class McpConfig(AppConfig):
    name = "packagegrid.mcp"
    label = "packagegrid_mcp"  # "mcp" is the SDK's name; the label keeps them apart
    verbose_name = "MCP server"
