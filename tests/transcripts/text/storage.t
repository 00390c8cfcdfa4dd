# set/add/replace/append/prepend: success, failure, and the reply of each.
> set storage_a 5 0 3\r\n
> abc\r\n
< STORED\r\n
> get storage_a\r\n
< VALUE storage_a 5 3\r\n
< abc\r\n
< END\r\n
# add succeeds only on a miss, replace only on a hit
> add storage_a 0 0 1\r\nx\r\n
< NOT_STORED\r\n
> add storage_b 7 0 2\r\nbb\r\n
< STORED\r\n
> replace storage_c 0 0 1\r\nx\r\n
< NOT_STORED\r\n
> replace storage_b 8 0 3\r\nBBB\r\n
< STORED\r\n
> get storage_b\r\n
< VALUE storage_b 8 3\r\nBBB\r\nEND\r\n
# append/prepend keep the original flags; they fail on a miss
> append storage_a 99 0 2\r\nde\r\n
< STORED\r\n
> prepend storage_a 99 0 2\r\n01\r\n
< STORED\r\n
> get storage_a\r\n
< VALUE storage_a 5 7\r\n01abcde\r\nEND\r\n
> append storage_c 0 0 1\r\nx\r\n
< NOT_STORED\r\n
> prepend storage_c 0 0 1\r\nx\r\n
< NOT_STORED\r\n
# set overwrites, a zero-length value is a value
> set storage_a 0 0 0\r\n\r\n
< STORED\r\n
> get storage_a\r\n
< VALUE storage_a 0 0\r\n\r\nEND\r\n
# values are binary-safe: \r\n and NUL inside a value
> set storage_d 0 0 6\r\na\r\n\x00b\n\r\n
< STORED\r\n
> get storage_d\r\n
< VALUE storage_d 0 6\r\na\r\n\x00b\n\r\nEND\r\n
% stat cmd_set 11
