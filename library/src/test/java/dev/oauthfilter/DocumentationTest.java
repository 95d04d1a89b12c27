package dev.oauthfilter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and the guides in {@code docs/} say what the code does: their links resolve, the configuration reference
 * lists exactly the keys the library reads, and the snippets marked {@code <!-- same as PATH -->} are that file's
 * text. Reads the repository's files (found from the working directory, {@code library/} in a Maven run).
 */
class DocumentationTest {

    private static final Path ROOT = projectRoot();
    private static final String REFERENCE_HEADER = "| key | environment variable | default | example | what it does |";
    private static final String SAMPLE_JAVA = "samples/src/main/java/";
    private static final String SAMPLE_PROPERTIES = "samples/src/main/resources/META-INF/microprofile-config.properties";

    @Test
    void everyRelativeLinkPointsToAnExistingFileAndHeading() {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            for (String target : Markdown.links(read(document))) {
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(document) + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !Markdown.anchors(read(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(document) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void theConfigurationReferenceListsExactlyTheKeysTheLibraryReads() {
        Set<String> documented = new TreeSet<>(referenceRows().keySet());
        Set<String> read = LibraryKeys.read(ROOT.resolve("library/src/main/java"));

        assertThat(read).as("keys the library reads").contains("oauth.client-id", "oauth.health-timeout",
                "oauth.shared-cache.provider", "oauth.params.<parameter>");
        assertThat(documented).as("keys in docs/CONFIGURATION.md (left) against keys the library reads (right)")
                .containsExactlyInAnyOrderElementsOf(read);
    }

    @Test
    void everyEnvironmentVariableInTheReferenceFollowsMicroProfileConfigsMapping() {
        List<String> wrong = new ArrayList<>();
        referenceRows().forEach((key, variable) -> {
            String mapped = key.replaceAll("[^A-Za-z0-9<>]", "_").toUpperCase(Locale.ROOT);
            if (!variable.equals(mapped)) {
                wrong.add(key + ": " + variable + " instead of " + mapped);
            }
        });
        assertThat(wrong).as("environment variables that MicroProfile Config does not map to their key").isEmpty();
    }

    @Test
    void everySnippetMarkedAsAFileIsThatFilesTextVerbatim() {
        List<String> differing = new ArrayList<>();
        for (Path document : documents()) {
            for (Markdown.Snippet snippet : Markdown.markedSnippets(read(document))) {
                Path file = ROOT.resolve(snippet.path());
                if (!Files.isRegularFile(file) || !read(file).contains(snippet.text())) {
                    differing.add(ROOT.relativize(document) + ": the snippet marked as " + snippet.path());
                }
            }
        }
        assertThat(differing).as("snippets that are not their file's text").isEmpty();
    }

    @Test
    void theQuickStartIsTheSamplesRestClientAndPropertiesAndTheSampleUsesThem() {
        List<Markdown.Snippet> quickStart = Markdown.markedSnippets(read(ROOT.resolve("README.md")));
        List<Markdown.Snippet> java = quickStart.stream()
                .filter(s -> s.path().startsWith(SAMPLE_JAVA) && s.path().endsWith(".java")).toList();
        Markdown.Snippet properties = quickStart.stream().filter(s -> s.path().equals(SAMPLE_PROPERTIES)).findFirst()
                .orElseThrow(() -> new AssertionError("the README shows no snippet of " + SAMPLE_PROPERTIES));

        String restClient = java.stream().map(Markdown.Snippet::text)
                .filter(text -> text.contains("@RegisterProvider(OAuthClientFilter.class)")).findFirst()
                .orElseThrow(() -> new AssertionError("the README shows no Rest Client of the sample"));
        assertThat(restClient).contains("import dev.oauthfilter.OAuthClientFilter;",
                "import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;");
        Matcher configKey = Pattern.compile("configKey = \"([^\"]+)\"").matcher(restClient);
        assertThat(configKey.find()).as("the Rest Client's configKey").isTrue();
        assertThat(properties.text().lines().map(line -> line.substring(0, line.indexOf('=') + 1)))
                .containsExactly("oauth.token-url=", "oauth.client-id=", "oauth.client-secret=",
                        configKey.group(1) + "/mp-rest/url=");
        for (Markdown.Snippet snippet : java) {
            assertThat(isUsedBySample(ROOT.resolve(snippet.path()))).as(snippet.path() + " is used by the sample")
                    .isTrue();
        }
    }

    @Test
    void theQuickStartsDependencyIsTheLibrarysCoordinates() {
        String pom = read(ROOT.resolve("library/pom.xml"));
        String parent = pom.substring(pom.indexOf("<parent>"), pom.indexOf("</parent>"));
        String own = pom.substring(pom.indexOf("</parent>"));
        String dependency = String.join("\n", "<dependency>",
                "  <groupId>" + element(parent, "groupId") + "</groupId>",
                "  <artifactId>" + element(own, "artifactId") + "</artifactId>",
                "  <version>" + element(parent, "version") + "</version>",
                "</dependency>");

        assertThat(read(ROOT.resolve("README.md"))).contains("```xml\n" + dependency + "\n```",
                "`mvn -pl library -am install -DskipTests`");
    }

    /** @return the rows of the reference tables in docs/CONFIGURATION.md: key to its environment variable */
    private static Map<String, String> referenceRows() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (List<String> row : Markdown.tableRows(read(ROOT.resolve("docs/CONFIGURATION.md")), REFERENCE_HEADER)) {
            String key = Markdown.code(row.get(0));
            assertThat(rows.put(key, Markdown.code(row.get(1)))).as("a second row for " + key).isNull();
        }
        return rows;
    }

    /** A type the sample compiles and uses: a JAX-RS resource, or a type another of its classes names. */
    private static boolean isUsedBySample(Path type) {
        String name = type.getFileName().toString().replace(".java", "");
        if (!Files.isRegularFile(type)) {
            return false;
        }
        if (read(type).contains("\n@Path(")) {
            return true;
        }
        try (Stream<Path> files = Files.walk(ROOT.resolve(SAMPLE_JAVA))) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.equals(type))
                    .anyMatch(f -> Pattern.compile("\\b" + name + "\\b").matcher(read(f)).find());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
        assertThat(m.find()).as("<" + name + ">").isTrue();
        return m.group(1).strip();
    }

    private static List<Path> documents() {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            return Stream.concat(Stream.of(ROOT.resolve("README.md")),
                    docs.filter(f -> f.toString().endsWith(".md")).sorted()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's root: the nearest directory, from the working directory up, that holds README.md and docs/. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))
                    && Files.isRegularFile(dir.resolve("library/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no README.md with docs/ and library/ above " + Path.of("").toAbsolutePath());
    }

    /** Just enough Markdown: links, headings as GitHub anchors them, tables, fenced snippets. */
    static final class Markdown {

        private static final Pattern FENCE = Pattern.compile("(?m)^```[^\\n]*\\n(.*?)^```\\s*$", Pattern.DOTALL);
        private static final Pattern MARKED = Pattern.compile(
                "(?m)^<!-- same as (\\S+) -->\\n```[a-z]*\\n(.*?)^```\\s*$", Pattern.DOTALL);
        private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
        private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

        record Snippet(String path, String text) {
        }

        static List<String> links(String markdown) {
            String prose = FENCE.matcher(markdown).replaceAll("").replaceAll("`[^`\\n]*`", "x");
            List<String> targets = new ArrayList<>();
            Matcher m = LINK.matcher(prose);
            while (m.find()) {
                targets.add(m.group(1));
            }
            return targets;
        }

        /** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, a repeated one numbered. */
        static Set<String> anchors(String markdown) {
            Set<String> anchors = new TreeSet<>();
            Map<String, Integer> seen = new HashMap<>();
            Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
            while (m.find()) {
                String slug = m.group(1).toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            return anchors;
        }

        static List<Snippet> markedSnippets(String markdown) {
            List<Snippet> snippets = new ArrayList<>();
            Matcher m = MARKED.matcher(markdown);
            while (m.find()) {
                snippets.add(new Snippet(m.group(1), m.group(2)));
            }
            return snippets;
        }

        /** @return the cells of every row of the tables that start with {@code header} */
        static List<List<String>> tableRows(String markdown, String header) {
            List<List<String>> rows = new ArrayList<>();
            boolean inTable = false;
            for (String line : markdown.split("\n")) {
                if (line.equals(header)) {
                    inTable = true;
                } else if (!line.startsWith("|")) {
                    inTable = false;
                } else if (inTable && !line.startsWith("|---")) {
                    rows.add(cells(line));
                }
            }
            return rows;
        }

        /** Cells split at the pipes that are not inside a code span. */
        private static List<String> cells(String row) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean code = false;
            for (char c : row.substring(1).toCharArray()) {
                if (c == '`') {
                    code = !code;
                }
                if (c == '|' && !code) {
                    cells.add(cell.toString().strip());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            return cells;
        }

        /** @return the first code span of a cell */
        static String code(String cell) {
            Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
            return m.find() ? m.group(1) : cell;
        }
    }

    /**
     * The {@code oauth.*} keys the library reads, found in its sources the ways it reads them: a client's setting
     * through {@code Settings} ({@code s.string("client-id")}, also under a prefix such as {@code dpop-}) or named in a
     * message ({@code MicroProfileKeys}); {@code params.<parameter>}; a library-wide duration
     * ({@code MicroProfileClientConfigs.duration(config, "health-timeout")}); the fleet's keys under a
     * {@code static final String} constant such as {@code PREFIX = "oauth.shared-cache."}; and whole keys written as
     * literals ({@code VCAP_SERVICES}). A key read another way needs a rule here, or this test misses it.
     */
    static final class LibraryKeys {

        private static final String READ = "\\b(?:s|settings)\\.(?:string|uri|bool|list|duration|integer|invalid|key)\\(";
        private static final String NAME = "\"([a-z][a-z0-9.-]*)\"";
        private static final Pattern CLIENT_SETTING = Pattern.compile(READ + NAME);
        private static final Pattern PREFIXED_SETTING = Pattern.compile(READ + "prefix \\+ " + NAME);
        private static final Pattern SETTING_PREFIX = Pattern.compile("\\bkey\\(s, \"([a-z-]*)\"\\)");
        private static final Pattern MESSAGE_NAME = Pattern.compile("->\\s*" + NAME);
        private static final Pattern KEY_AND_VARIABLE = Pattern.compile("keyAndVariable\\(" + NAME + "\\)");
        private static final Pattern MESSAGE_KEYS = Pattern.compile("\\bkeys\\(\"([a-z-]*)\", " + NAME + ", " + NAME
                + ", " + NAME + "\\)");
        private static final Pattern EXTRA_PARAMETERS = Pattern.compile("String PARAMS = " + NAME);
        private static final Pattern LIBRARY_DURATION = Pattern.compile(
                "MicroProfileClientConfigs\\.duration\\(config, " + NAME + "\\)");
        private static final Pattern CONSTANT = Pattern.compile(
                "static final String (\\w+) = (?:(\\w+) \\+ )?\"([a-z][a-z0-9.-]*)\";");
        private static final Pattern WHOLE_KEY = Pattern.compile("\"(oauth\\.[a-z][a-z0-9.-]*[a-z])\"");

        static Set<String> read(Path sources) {
            Set<String> keys = new TreeSet<>();
            for (Path file : javaFiles(sources)) {
                if (file.toString().replace('\\', '/').contains("/dev/oauthfilter/telemetry/")) {
                    continue; // OpenTelemetry attribute names (oauth.client, oauth.outcome), not settings
                }
                String code = DocumentationTest.read(file);
                List<String> prefixes = all(SETTING_PREFIX, code, 1);
                all(CLIENT_SETTING, code, 1).forEach(setting -> keys.add("oauth." + setting));
                for (String setting : all(PREFIXED_SETTING, code, 1)) {
                    prefixes.forEach(prefix -> keys.add("oauth." + prefix + setting));
                }
                if (file.getFileName().toString().equals("MicroProfileKeys.java")) {
                    all(MESSAGE_NAME, code, 1).forEach(setting -> keys.add("oauth." + setting));
                    Matcher m = MESSAGE_KEYS.matcher(code);
                    while (m.find()) {
                        for (int group = 2; group <= 4; group++) {
                            keys.add("oauth." + m.group(1) + m.group(group));
                        }
                    }
                }
                all(KEY_AND_VARIABLE, code, 1).forEach(setting -> keys.add("oauth." + setting));
                all(EXTRA_PARAMETERS, code, 1).forEach(prefix -> keys.add("oauth." + prefix + "<parameter>"));
                all(LIBRARY_DURATION, code, 1).forEach(setting -> keys.add("oauth." + setting));
                keys.addAll(constantKeys(code));
                if (!file.toString().contains("metrics")) {   // the metrics' names are oauth.token.* too
                    all(WHOLE_KEY, code, 1).stream().filter(key -> !key.endsWith(".")).forEach(keys::add);
                }
            }
            return keys;
        }

        /**
         * Keys made of a constant: {@code PREFIX + "uri"}; a constant that ends with a dot and is a prefix that keys
         * are listed by ({@code startsWith(PROPERTY)}) stands for {@code <name>} keys; {@code duration(config,
         * "timeout")} in the class of the {@code oauth.} prefix reads {@code PREFIX + "timeout"}.
         */
        private static Set<String> constantKeys(String code) {
            Map<String, String> constants = new HashMap<>();
            Matcher c = CONSTANT.matcher(code);
            while (c.find()) {
                String base = c.group(2) == null ? "" : constants.getOrDefault(c.group(2), "");
                constants.put(c.group(1), base + c.group(3));
            }
            Set<String> keys = new TreeSet<>();
            constants.forEach((name, value) -> {
                if (!value.startsWith("oauth.")) {
                    return;
                }
                all(Pattern.compile("\\b" + name + " \\+ " + NAME), code, 1).stream()
                        .map(setting -> value + setting).filter(key -> !key.endsWith("."))
                        .forEach(keys::add);
                if (code.contains("startsWith(" + name + ")")) {
                    keys.add(value + "<name>");
                }
                if (name.equals("PREFIX")) {
                    all(Pattern.compile("[^.\\w]duration\\(config, " + NAME + "\\)"), code, 1)
                            .forEach(setting -> keys.add(value + setting));
                }
            });
            return keys;
        }

        private static List<String> all(Pattern pattern, String text, int group) {
            List<String> found = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                found.add(m.group(group));
            }
            return found;
        }

        private static List<Path> javaFiles(Path sources) {
            try (Stream<Path> files = Files.walk(sources)) {
                return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
