"""WB cabinets (marketplace connections): add, rename, remove; tokens encrypted at rest."""
