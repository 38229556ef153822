package io.ormdb.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * ormdb-node leaves the choice of an SLF4J backend to the application that embeds it: a backend it
 * declares (for the command line, shaded into ormdb.jar) is optional or test-scoped, so it never
 * reaches an embedder's classpath through the dependency.
 */
class LoggingBackendDependencyTest {
  private static final Set<String> BACKENDS =
      Set.of(
          "logback-classic",
          "slf4j-simple",
          "slf4j-reload4j",
          "slf4j-jdk14",
          "log4j-slf4j2-impl",
          "log4j-slf4j-impl");

  @Test
  void noLoggingBackendIsATransitiveDependencyOfTheNode() throws Exception {
    Element project =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile())
            .getDocumentElement();
    Element dependencies = child(project, "dependencies");
    NodeList list = dependencies.getElementsByTagName("dependency");
    List<String> declared = new ArrayList<>();
    List<String> transitive = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      Element d = (Element) list.item(i);
      String artifact = text(d, "artifactId");
      if (!BACKENDS.contains(artifact)) {
        continue;
      }
      declared.add(artifact);
      String scope = text(d, "scope");
      boolean optional = "true".equals(text(d, "optional"));
      if (!optional && !"test".equals(scope) && !"provided".equals(scope)) {
        transitive.add(artifact);
      }
    }
    assertThat(declared).as("the command line still has its backend").contains("logback-classic");
    assertThat(transitive).as("backends an embedder would inherit").isEmpty();
  }

  private static Element child(Element parent, String name) {
    NodeList l = parent.getChildNodes();
    for (int i = 0; i < l.getLength(); i++) {
      if (l.item(i) instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no <" + name + "> in node/pom.xml");
  }

  private static String text(Element parent, String name) {
    NodeList l = parent.getElementsByTagName(name);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
  }
}
