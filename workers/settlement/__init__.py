"""Supplier settlement (货款结算): payables accrued by shipments, reversed by returns, adjusted
by the operator, gathered into a statement per supplier per period."""
