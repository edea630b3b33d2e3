"""Online monitoring of pollution sources over HJ 212: devices, received packets, stored values, the receiver."""
