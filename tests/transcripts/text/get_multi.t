# get/gets with several keys: hits in request order, misses omitted, one END.
> set getm_a 1 0 1\r\na\r\n
< STORED\r\n
> set getm_c 3 0 3\r\nccc\r\n
< STORED\r\n
> get getm_a getm_b getm_c getm_a\r\n
< VALUE getm_a 1 1\r\na\r\n
< VALUE getm_c 3 3\r\nccc\r\n
< VALUE getm_a 1 1\r\na\r\n
< END\r\n
> gets getm_c getm_b\r\n
< VALUE getm_c 3 3 {*}\r\nccc\r\nEND\r\n
> get getm_b\r\n
< END\r\n
% stat cmd_get 7
% stat get_hits 4
% stat get_misses 3
