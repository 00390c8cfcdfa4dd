# gets returns a CAS unique; cas stores only when it still matches.
> set cas_a 3 0 2\r\nv1\r\n
< STORED\r\n
> gets cas_a\r\n
< VALUE cas_a 3 2 {c1}\r\nv1\r\nEND\r\n
> cas cas_a 4 0 2 {c1}\r\nv2\r\n
< STORED\r\n
# the old unique no longer matches
> cas cas_a 0 0 2 {c1}\r\nv3\r\n
< EXISTS\r\n
> gets cas_a\r\n
< VALUE cas_a 4 2 {c2}\r\nv2\r\nEND\r\n
> cas cas_missing 0 0 1 {c2}\r\nx\r\n
< NOT_FOUND\r\n
# any modification changes the unique
> touch cas_a 1000\r\n
< TOUCHED\r\n
> append cas_a 0 0 1\r\n!\r\n
< STORED\r\n
> cas cas_a 0 0 1 {c2}\r\nx\r\n
< EXISTS\r\n
> gets cas_a cas_missing\r\n
< VALUE cas_a 4 3 {c3}\r\nv2!\r\nEND\r\n
> cas cas_a 0 0 1 {c3} noreply\r\nz\r\n
> get cas_a\r\n
< VALUE cas_a 0 1\r\nz\r\nEND\r\n
# a non-numeric unique is a bad command line: see bad_header.t
