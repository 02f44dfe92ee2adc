"""packagegrid: a directory of reusable Django packages."""
