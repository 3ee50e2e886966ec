# The lecture's echo_server.py (notebooks/python/echo_server.py) with its recv(1024) in a
# loop, for the echo benchmarks: one connection carries many messages, so the server echoes
# until the client closes its side instead of closing after the first recv. sendall instead of
# send: under load send may take only part of the data, and a benchmark must not drop bytes.
#
#   /usr/bin/python3 -u python_echo_loop_server.py [PORT [HOST]]   (default: 0, 127.0.0.1)
#
# Prints "listening on HOST:PORT", then serves clients one after another until killed.
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
host = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_address = (host, port)
sock.bind(server_address)
sock.listen(1)
print('listening on %s:%d' % sock.getsockname())

while True:
    connection, client_address = sock.accept()
    while True:
        data = connection.recv(1024)
        if not data:
            break
        connection.sendall(data)
    connection.close()
