# negative exptime: stored, but already expired
> set exptime_a 0 -1 1\r\nx\r\n
< STORED\r\n
> get exptime_a\r\n
< END\r\n
# an absolute unix time in the past (above 30 days = absolute) is expired too
> set exptime_b 0 2592001 1\r\nx\r\n
< STORED\r\n
> get exptime_b\r\n
< END\r\n
# an absolute time far in the future, and a 30-day relative one, live
> set exptime_c 0 2000000000 1\r\nc\r\n
< STORED\r\n
> set exptime_d 0 2592000 1\r\nd\r\n
< STORED\r\n
> get exptime_c exptime_d\r\n
< VALUE exptime_c 0 1\r\nc\r\nVALUE exptime_d 0 1\r\nd\r\nEND\r\n
