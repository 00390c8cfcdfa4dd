# incr/decr: 64-bit unsigned decimal values.
> set incr_a 0 0 1\r\n0\r\n
< STORED\r\n
> incr incr_a 1\r\n
< 1\r\n
> incr incr_a 41\r\n
< 42\r\n
> decr incr_a 2\r\n
< 40\r\n
# decr stops at 0
> decr incr_a 100\r\n
< 0\r\n
# incr wraps at 2^64
> set incr_b 0 0 20\r\n18446744073709551615\r\n
< STORED\r\n
> incr incr_b 1\r\n
< 0\r\n
> incr incr_b 18446744073709551615\r\n
< 18446744073709551615\r\n
> incr incr_b 2\r\n
< 1\r\n
# a shorter result keeps the length, padded with spaces (memcached in-place decr)
> set incr_c 7 0 3\r\n100\r\n
< STORED\r\n
> decr incr_c 1\r\n
< 99\r\n
> get incr_c\r\n
< VALUE incr_c 7 3\r\n99\x20\r\nEND\r\n
> incr incr_c 1\r\n
< 100\r\n
# a missing key, a non-numeric value, a bad delta
> incr incr_missing 1\r\n
< NOT_FOUND\r\n
> decr incr_missing 1\r\n
< NOT_FOUND\r\n
> set incr_d 0 0 3\r\nabc\r\n
< STORED\r\n
> incr incr_d 1\r\n
< CLIENT_ERROR cannot increment or decrement non-numeric value\r\n
> decr incr_d 1\r\n
< CLIENT_ERROR cannot increment or decrement non-numeric value\r\n
> incr incr_a abc\r\n
< CLIENT_ERROR invalid numeric delta argument\r\n
> incr incr_a -1\r\n
< CLIENT_ERROR invalid numeric delta argument\r\n
> incr incr_a 18446744073709551616\r\n
< CLIENT_ERROR invalid numeric delta argument\r\n
> get incr_a incr_d\r\n
< VALUE incr_a 0 2\r\n0\x20\r\n
< VALUE incr_d 0 3\r\nabc\r\n
< END\r\n
