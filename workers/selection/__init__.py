"""Selection (选品上架): merchants list catalog SKUs on their shops; pushes keep the shops in step."""
