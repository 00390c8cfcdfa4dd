# touch / gat / gats update the exptime; gat returns the value like get, gats like gets.
> set touch_a 9 0 2\r\nta\r\n
< STORED\r\n
> touch touch_a 3600\r\n
< TOUCHED\r\n
> touch touch_missing 3600\r\n
< NOT_FOUND\r\n
> gat 3600 touch_a touch_missing\r\n
< VALUE touch_a 9 2\r\nta\r\nEND\r\n
> gats 3600 touch_a\r\n
< VALUE touch_a 9 2 {*}\r\nta\r\nEND\r\n
# a negative exptime through touch/gat expires the item now
> gat -1 touch_a\r\n
< VALUE touch_a 9 2\r\nta\r\nEND\r\n
> get touch_a\r\n
< END\r\n
> set touch_b 0 0 1\r\nb\r\n
< STORED\r\n
> touch touch_b -1\r\n
< TOUCHED\r\n
> get touch_b\r\n
< END\r\n
> touch touch_b abc\r\n
< CLIENT_ERROR invalid exptime argument\r\n
> gat abc touch_b\r\n
< CLIENT_ERROR invalid exptime argument\r\n
% stat touch_hits 5
% stat touch_misses 2
