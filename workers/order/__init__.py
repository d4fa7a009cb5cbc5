"""Orders: the saga from platform webhook to shipment sync, sub-orders per supplier."""
