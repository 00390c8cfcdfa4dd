# mn answers MN; me dumps an item's metadata, EN on a miss
> mn\r\n
< MN\r\n
> ms mn_me_a 1\r\nx\r\n
< HD\r\n
> me mn_me_a\r\n
< ME mn_me_a exp=-1 la={*} cas={*} fetch=no cls={*} size={*}\r\n
> me mn_me_missing\r\n
< EN\r\n
> me\r\n
< CLIENT_ERROR bad command line format\r\n
