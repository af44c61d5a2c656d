"""SIP brute-force protection: count failed authentications per address, block, unblock."""
