"""In-memory twins of every port the order handlers use, for unit tests."""

from workers.order.memory.archive import MemoryArchive
from workers.order.memory.orders import MemoryOrders
from workers.order.memory.references import MemoryAccounts, MemoryCatalog
from workers.order.memory.refunds import MemoryRefunds
from workers.order.memory.tracking import MemoryTracking

__all__ = [
    "MemoryAccounts",
    "MemoryArchive",
    "MemoryCatalog",
    "MemoryOrders",
    "MemoryRefunds",
    "MemoryTracking",
]
