"""In-memory twins of catalog's repositories, for unit tests of its rules."""

from workers.catalog.memory.products import MemoryProducts
from workers.catalog.memory.promotions import MemoryPromotions
from workers.catalog.memory.taxonomy import MemoryTaxonomy

__all__ = ["MemoryProducts", "MemoryPromotions", "MemoryTaxonomy"]
