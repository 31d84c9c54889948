"""The web « Première installation » (PRODUCT §9 O1): one's own company and its first manager,
reachable only with the one-time token `recouvrement serve` prints while no company exists."""
