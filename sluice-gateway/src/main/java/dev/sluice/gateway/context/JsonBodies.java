package dev.sluice.gateway.context;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a client's request body as exactly one JSON value. Anything after the value is refused, and
 * every refusal is a 400 in plain words with the line and column (or the limit exceeded), never
 * quoting the parser's own class, feature or constraint names.
 */
final class JsonBodies {

    static final String TRAILING = "request body has data after the JSON value";

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\(.*?code (\\d+)\\)\\)");
    private static final Pattern TOKEN = Pattern.compile("^Unrecognized token '([^']*)'");

    private JsonBodies() {}

    /** The body's one JSON value; null for an empty body. */
    static @Nullable JsonNode read(byte[] body) throws GatewayException {
        return read(Json.MAPPER, body);
    }

    static @Nullable JsonNode read(ObjectMapper mapper, byte[] body) throws GatewayException {
        StreamReadConstraints limits = mapper.getFactory().streamReadConstraints();
        try (JsonParser p = mapper.createParser(body)) {
            JsonNode value;
            try {
                value = mapper.readTree(p);
            } catch (JsonProcessingException e) {
                throw new GatewayException(400, describe(e, p, limits));
            }
            if (value == null) {
                return null;
            }
            try {
                if (p.nextToken() != null) {
                    throw new GatewayException(400, TRAILING);
                }
            } catch (JsonProcessingException e) {
                throw new GatewayException(400, TRAILING);
            }
            return value;
        } catch (IOException e) {
            throw new GatewayException(400, "could not read the request body");
        }
    }

    private static String describe(JsonProcessingException e, JsonParser p, StreamReadConstraints limits) {
        JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
        String where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        StreamConstraintsException c = constraint(e);
        if (c != null) {
            return "request body exceeds a size limit" + where + ": " + limit(c, limits);
        }
        return "request body is not valid JSON" + where + ": " + reason(e.getOriginalMessage());
    }

    private static @Nullable StreamConstraintsException constraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException c) {
                return c;
            }
        }
        return null;
    }

    private static String limit(StreamConstraintsException e, StreamReadConstraints limits) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Document nesting depth")) {
            return "arrays and objects nested deeper than " + limits.getMaxNestingDepth() + " levels";
        }
        if (m.startsWith("Number value length")) {
            return "a number longer than " + limits.getMaxNumberLength() + " digits";
        }
        if (m.startsWith("String value length")) {
            return "a string longer than " + limits.getMaxStringLength() + " characters";
        }
        if (m.startsWith("Name length")) {
            return "a field name longer than " + limits.getMaxNameLength() + " characters";
        }
        return "the JSON is larger than the parser accepts";
    }

    /** Jackson's reason in plain words. */
    static String reason(String jackson) {
        String m = jackson == null ? "" : jackson;
        Matcher c = UNEXPECTED_CHAR.matcher(m);
        if (c.find()) {
            int code = Integer.parseInt(c.group(1));
            String what = code < 0x20 || code == 0x7f
                    ? "control character (code " + code + ")"
                    : "character '" + Character.toString(code) + "'";
            return "unexpected " + what + expected(m);
        }
        Matcher t = TOKEN.matcher(m);
        if (t.find()) {
            String token = t.group(1);
            return "unexpected word '" + (token.length() > 20 ? token.substring(0, 20) + "..." : token) + "'";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return "the body ends before the JSON value does";
        }
        if (m.startsWith("Unexpected close marker")) {
            return "a closing bracket does not match the one opened";
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character inside a string must be escaped";
        }
        if (m.startsWith("Invalid UTF-8")) {
            return "the bytes are not valid UTF-8";
        }
        if (m.startsWith("Invalid numeric value") || m.startsWith("Non-standard token")) {
            return "a number is not written as JSON allows";
        }
        return "malformed JSON";
    }

    private static String expected(String m) {
        if (m.contains("double-quote to start field name")) {
            return " where a field name in double quotes should be";
        }
        if (m.contains("comma to separate Object")) {
            return " where a comma or '}' should be";
        }
        if (m.contains("comma to separate Array")) {
            return " where a comma or ']' should be";
        }
        if (m.contains("colon to separate field name")) {
            return " where a colon should be";
        }
        if (m.contains("expected a valid value") || m.contains("expected a value")) {
            return " where a value should be";
        }
        return "";
    }
}
