package io.matstore.client.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The little JSON the client reads: the routing table, error bodies and batch answers, all written by our nodes.
 * Objects become {@link Obj} (a map that remembers its source text, so a batch item's value can be handed to the
 * caller as the node wrote it), arrays {@link List}, numbers {@link Long} or {@link Double}, then String, Boolean
 * and null. Strict RFC 8259 apart from accepting any number syntax Java parses; here so that the client needs no JSON
 * library.
 */
public final class Json {
    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /** An object with its source text. */
    public static final class Obj extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        private String source;

        /** The object exactly as it was written. */
        public String source() {
            return source;
        }

        public Obj obj(String name) {
            Object v = get(name);
            return v instanceof Obj o ? o : null;
        }

        public String string(String name) {
            Object v = get(name);
            return v instanceof String s ? s : null;
        }

        public long number(String name, long otherwise) {
            Object v = get(name);
            return v instanceof Number n ? n.longValue() : otherwise;
        }

        public boolean bool(String name) {
            return Boolean.TRUE.equals(get(name));
        }

        public List<?> list(String name) {
            Object v = get(name);
            return v instanceof List<?> l ? l : List.of();
        }
    }

    /**
     * @throws IllegalArgumentException naming the offset of the first thing that is not JSON
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object v = p.value();
        p.space();
        if (p.at != text.length()) {
            throw p.error("end of input");
        }
        return v;
    }

    /** Parses an object, or throws when the text is another JSON value. */
    public static Obj parseObject(String text) {
        if (parse(text) instanceof Obj o) {
            return o;
        }
        throw new IllegalArgumentException("not a JSON object: " + abbreviate(text));
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private Object value() {
        if (at >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Obj object() {
        int start = at++;
        Obj o = new Obj();
        space();
        if (peek() == '}') {
            at++;
        } else {
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("a member name");
                }
                String name = string();
                space();
                expect(':');
                space();
                o.put(name, value());
                space();
                if (peek() == ',') {
                    at++;
                } else {
                    expect('}');
                    break;
                }
            }
        }
        o.source = text.substring(start, at);
        return o;
    }

    private List<Object> array() {
        at++;
        List<Object> a = new ArrayList<>();
        space();
        if (peek() == ']') {
            at++;
            return a;
        }
        while (true) {
            space();
            a.add(value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return a;
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("a closing quote");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("an escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("four hex digits");
                    }
                    s.append((char) Integer.parseInt(text, at, at + 4, 16));
                    at += 4;
                }
                default -> s.append(e);
            }
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error(word);
        }
        at += word.length();
        return value;
    }

    private Number number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        if (n.isEmpty()) {
            throw error("a value");
        }
        try {
            // Not a conditional expression: its numeric promotion would turn every integer into a Double.
            if (n.indexOf('.') < 0 && n.indexOf('e') < 0 && n.indexOf('E') < 0) {
                return Long.valueOf(n);
            }
            return Double.valueOf(n);
        } catch (NumberFormatException e) {
            throw error("a number");
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException(
                "not JSON: expected " + expected + " at offset " + at + " of " + abbreviate(text));
    }
}
