# Client flags are 32-bit unsigned and come back unchanged.
> set flags_a 4294967295 0 1\r\nx\r\n
< STORED\r\n
> set flags_b 2147483648 0 1\r\ny\r\n
< STORED\r\n
> set flags_c 0 0 1\r\nz\r\n
< STORED\r\n
> get flags_a flags_b flags_c\r\n
< VALUE flags_a 4294967295 1\r\nx\r\n
< VALUE flags_b 2147483648 1\r\ny\r\n
< VALUE flags_c 0 1\r\nz\r\n
< END\r\n
# a negative or non-numeric flags field is a bad command line (bad_header.t); nothing is stored
> get flags_d\r\n
< END\r\n
