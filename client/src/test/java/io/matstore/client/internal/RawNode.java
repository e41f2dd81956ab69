package io.matstore.client.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on a raw socket, for the transport's tests: it counts connections, records request heads,
 * and misbehaves on demand in the ways a node or a network can (never answering, resetting, closing a keep-alive
 * connection as the next request arrives, chunked answers). Binds 127.0.0.1 only; a thread per connection.
 */
final class RawNode implements AutoCloseable {
    enum Mode {
        ANSWER,
        CHUNKED,
        SILENT,
        RESET,
        CLOSE_ON_SECOND_REQUEST
    }

    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> heads = new CopyOnWriteArrayList<>();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile Mode mode = Mode.ANSWER;
    volatile String body = "hello";

    RawNode() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "raw-node-accept");
        t.setDaemon(true);
        t.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "raw-node-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            int requests = 0;
            while (true) {
                StringBuilder head = new StringBuilder();
                int contentLength = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append(line).append('\n');
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (head.length() == 0) {
                    return;
                }
                for (int i = 0; i < contentLength; i++) {
                    in.read();
                }
                heads.add(head.toString());
                requests++;
                Mode m = mode;
                if (m == Mode.SILENT) {
                    continue;
                }
                if (m == Mode.RESET) {
                    s.setSoLinger(true, 0);
                    return;
                }
                if (m == Mode.CLOSE_ON_SECOND_REQUEST && requests == 2) {
                    return;
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                if (m == Mode.CHUNKED) {
                    out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Test: chunked\r\n\r\n"
                                    + Integer.toHexString(3) + "\r\n" + body.substring(0, 3) + "\r\n"
                                    + Integer.toHexString(b.length - 3) + "\r\n" + body.substring(3) + "\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\nETag: \"e1\"\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
