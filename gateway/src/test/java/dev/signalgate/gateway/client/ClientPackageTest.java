package dev.signalgate.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter's npm package ({@code static/client/package.json}, the same folder the gateway serves at
 * {@code /client/}): an ES module package whose version is the jar's, whose entry points exist, and whose files
 * import nothing from outside the package. The browser profile packs and installs it for real (ViteExampleBrowserIT).
 */
class ClientPackageTest {

    private static final Path CLIENT = Path.of("src/main/resources/static/client");
    private static final Pattern RELATIVE_IMPORT = Pattern.compile("(?:from|import)\\s*\\(?\\s*'(\\.[^']+)'");

    private final JsonNode manifest = JsonMapper.builder().build().readTree(CLIENT.resolve("package.json").toFile());

    @Test
    void theVersionIsTheJarsVersion() throws Exception {
        assertThat(manifest.path("version").asString()).isEqualTo(projectVersion());
    }

    @Test
    void theViteExampleInstallsTheTarballOfThisVersion() throws Exception {
        JsonNode example = JsonMapper.builder().build().readTree(Path.of("examples/vite-consult/package.json").toFile());

        assertThat(example.path("dependencies").path("@signalgate/client").asString())
                .isEqualTo("file:../../target/npm/signalgate-client-" + projectVersion() + ".tgz");
    }

    @Test
    void isAnEsModulePackageWithItsTypes() {
        assertThat(manifest.path("name").asString()).isEqualTo("@signalgate/client");
        assertThat(manifest.path("type").asString()).isEqualTo("module");
        assertThat(manifest.path("types").asString()).isEqualTo("./gateway-client.d.ts");
        JsonNode entry = manifest.path("exports").path(".");
        assertThat(entry.path("types").asString()).isEqualTo("./gateway-client.d.ts");
        assertThat(entry.path("default").asString()).isEqualTo("./gateway-client.js");
        assertThat(CLIENT.resolve("gateway-client.js")).isRegularFile();
        assertThat(CLIENT.resolve("gateway-client.d.ts")).isRegularFile();
        assertThat(CLIENT.resolve("README.md")).isRegularFile();
    }

    @Test
    void everyFileImportsOnlyFilesOfThePackage() throws IOException {
        List<String> missing = new ArrayList<>();
        int imports = 0;
        try (Stream<Path> files = Files.list(CLIENT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                Matcher matcher = RELATIVE_IMPORT.matcher(Files.readString(file));
                while (matcher.find()) {
                    imports++;
                    Path target = file.resolveSibling(matcher.group(1)).normalize();
                    if (!target.getParent().equals(CLIENT.normalize()) || !Files.isRegularFile(target)) {
                        missing.add(file.getFileName() + " imports " + matcher.group(1));
                    }
                }
            }
        }
        assertThat(imports).as("relative imports found").isPositive();
        assertThat(missing).as("imports that the package (published as one flat folder) cannot satisfy").isEmpty();
    }

    /** The gateway module's version, as Maven sees it: its own, or else its parent's. */
    private static String projectVersion() throws Exception {
        try (InputStream pom = Files.newInputStream(Path.of("pom.xml"))) {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom);
            Element project = document.getDocumentElement();
            String own = childText(project, "version");
            if (own != null) {
                return own;
            }
            for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element && element.getTagName().equals("parent")) {
                    return childText(element, "version");
                }
            }
            throw new IllegalStateException("pom.xml names no version");
        }
    }

    private static String childText(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }
}
