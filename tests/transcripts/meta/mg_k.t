# mg k: return the key; also echoed on a miss
> ms mg_k_a 1\r\nk\r\n
< HD\r\n
> mg mg_k_a k\r\n
< HD kmg_k_a\r\n
> mg mg_k_missing k v\r\n
< EN kmg_k_missing\r\n
