# A storage command whose header is bad (over-long key, bad flags, exptime or cas) but whose
# length parses. ringcached swallows the data block: one request, one reply.
# memcached 1.6 reads the block as a command and answers an extra ERROR (bad_header_memcached.t),
# which desyncs clients; the difference is deliberate.
% only ringcached

> cas cas_a 0 0 1 abc\r\nx\r\n
< CLIENT_ERROR bad command line format\r\n
> set exptime_e 0 abc 1\r\nx\r\n
< CLIENT_ERROR bad command line format\r\n
> set flags_d -1 0 1\r\nx\r\n
< CLIENT_ERROR bad command line format\r\n
> set flags_d abc 0 1\r\nx\r\n
< CLIENT_ERROR bad command line format\r\n
> set keys_kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk 0 0 1\r\n1\r\n
< CLIENT_ERROR bad command line format\r\n
# the connection still works and nothing was stored
> get cas_a exptime_e flags_d\r\n
< END\r\n
