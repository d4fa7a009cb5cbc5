"""RabbitMQ topology, publishing with confirms, and the thin subscriber adapter."""
