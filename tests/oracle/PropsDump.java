import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Prints what java.util.Properties reads from each file (decoded as
 * ISO-8859-1), one "K<TAB>key<TAB>value" line per key in sorted order,
 * framed by "FILE<TAB>path" and "END" lines, or "ERROR<TAB>message" when
 * load() fails. Characters outside printable ASCII, the backslash and the
 * tab are written as \\uXXXX so the output is plain ASCII.
 */
public class PropsDump {
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String path : args) {
            out.append("FILE\t").append(path).append('\n');
            Properties p = new Properties();
            try (InputStream in = new FileInputStream(path)) {
                p.load(in);
                for (String k : new TreeSet<>(p.stringPropertyNames())) {
                    out.append("K\t").append(escape(k)).append('\t').append(escape(p.getProperty(k))).append('\n');
                }
            } catch (IllegalArgumentException e) {
                out.append("ERROR\t").append(escape(String.valueOf(e.getMessage()))).append('\n');
            }
            out.append("END\n");
        }
        System.out.print(out);
    }
}
