"""Compare `ringcache ring` with the real libmemcached (libmemcached.so.11, driven via ctypes)
for the libmemcached/ketama-* and libmemcached/modula-* modes, on sequential keys, keys with
bytes >= 0x80 and keys with spaces. A developer check beside test_ring_vectors (which covers
the modes the shared vectors hold); no network traffic: libmemcached only computes placement.

usage: /usr/bin/python3 src/ring/oracle_libmemcached.py RINGCACHE_BINARY MODE host:port,...
"""
import ctypes, subprocess, sys
lm=ctypes.CDLL('libmemcached.so.11')
lm.memcached_create.restype=ctypes.c_void_p; lm.memcached_create.argtypes=[ctypes.c_void_p]
lm.memcached_behavior_set_distribution.argtypes=[ctypes.c_void_p,ctypes.c_int]
lm.memcached_behavior_set_key_hash.argtypes=[ctypes.c_void_p,ctypes.c_int]
lm.memcached_server_add.argtypes=[ctypes.c_void_p,ctypes.c_char_p,ctypes.c_uint]
lm.memcached_server_by_key.restype=ctypes.c_void_p; lm.memcached_server_by_key.argtypes=[ctypes.c_void_p,ctypes.c_char_p,ctypes.c_size_t,ctypes.POINTER(ctypes.c_int)]
lm.memcached_server_name.restype=ctypes.c_char_p; lm.memcached_server_name.argtypes=[ctypes.c_void_p]
lm.memcached_server_port.restype=ctypes.c_uint; lm.memcached_server_port.argtypes=[ctypes.c_void_p]
H={'md5':1,'crc':2,'fnv1_64':3,'fnv1a_64':4,'fnv1_32':5,'fnv1a_32':6,'oaat':0}
binary=sys.argv[1]
servers=sys.argv[3].split(',')
def lmplace(dist,h,keys):
    m=lm.memcached_create(None)
    lm.memcached_behavior_set_distribution(m,dist); lm.memcached_behavior_set_key_hash(m,H[h])
    for s in servers:
        host,port=s.split(':'); lm.memcached_server_add(m,host.encode(),int(port))
    out=[]
    for k in keys:
        rc=ctypes.c_int(0); inst=lm.memcached_server_by_key(m,k,len(k),ctypes.byref(rc))
        out.append('%s:%d'%(lm.memcached_server_name(inst).decode(),lm.memcached_server_port(inst)))
    return out
keys=[b'k:%d'%i for i in range(3000)]+[b'\xff\xfe%d'%i for i in range(200)]+[b'key with \xe9 %d'%i for i in range(100)]
mode=sys.argv[2]; dist,h=mode.split('/')[1].split('-',1)
d={'ketama':2,'modula':0}[dist]
exp=lmplace(d,h,keys)
got=subprocess.run([binary,'ring','--mode',mode,'--servers',sys.argv[3]],input=b'\n'.join(keys)+b'\n',capture_output=True).stdout.split(b'\n')
got=[g.rsplit(b',',1)[1].decode() for g in got if g]
bad=sum(1 for a,b in zip(exp,got) if a!=b)+abs(len(exp)-len(got))
print(mode, len(keys), 'keys, mismatches:', bad)
sys.exit(1 if bad else 0)
