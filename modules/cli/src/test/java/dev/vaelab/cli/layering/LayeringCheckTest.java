package dev.vaelab.cli.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself, on small synthetic trees with planted violations. */
class LayeringCheckTest {
    @TempDir
    Path root;

    private void pom(String module, String... dependencies) throws IOException {
        StringBuilder deps = new StringBuilder();
        for (String d : dependencies) {
            String[] parts = d.split(":");
            deps.append("<dependency><groupId>dev.vaelab</groupId><artifactId>vaelab-").append(parts[0])
                    .append("</artifactId>").append(parts.length > 1 ? "<scope>" + parts[1] + "</scope>" : "")
                    .append("</dependency>\n");
        }
        Path dir = Files.createDirectories(root.resolve("modules").resolve(module));
        Files.writeString(dir.resolve("pom.xml"), "<project><parent><artifactId>vaelab-parent</artifactId></parent>"
                + "<artifactId>vaelab-" + module + "</artifactId>\n<dependencies>\n" + deps + "</dependencies></project>\n");
    }

    private void source(String module, String path, String code) throws IOException {
        Path file = root.resolve("modules").resolve(module).resolve("src/main/java").resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, code);
    }

    private List<String> violations() {
        return new LayeringCheck(root).violations();
    }

    private void cleanTree() throws IOException {
        pom("core");
        pom("onnx", "core");
        pom("zoo", "core", "onnx");
        pom("export", "core", "zoo", "tracking:test");
        source("core", "dev/vaelab/core/A.java", "package dev.vaelab.core;\npublic class A {}\n");
        source("onnx", "dev/vaelab/onnx/B.java", "package dev.vaelab.onnx;\nimport dev.vaelab.core.A;\nclass B {}\n");
        source("zoo", "dev/vaelab/zoo/objective/VaeGraphs.java",
                "package dev.vaelab.zoo.objective;\nimport dev.vaelab.onnx.B;\npublic class VaeGraphs {}\n");
        source("export", "dev/vaelab/export/E.java", """
                package dev.vaelab.export;
                import dev.vaelab.zoo.objective.VaeGraphs;
                import dev.vaelab.zoo.model.Posterior;
                // a comment may name dev.vaelab.train.Anything
                class E { String s = "dev.vaelab.sweep.Anything"; dev.vaelab.core.A a; }
                """);
    }

    @Test
    void aTreeThatKeepsTheRulesPasses() throws IOException {
        cleanTree();
        assertEquals(List.of(), violations());
    }

    @Test
    void theEngineImportingAModelModuleFailsWithTheImport() throws IOException {
        cleanTree();
        source("onnx", "dev/vaelab/onnx/Fused.java",
                "package dev.vaelab.onnx;\n\nimport dev.vaelab.zoo.objective.VaeGraphs;\nclass Fused {}\n");
        assertEquals(List.of("modules/onnx/src/main/java/dev/vaelab/onnx/Fused.java:3: onnx references "
                + "dev.vaelab.zoo.objective.VaeGraphs: the engine (onnx) depends on nothing of vaelab but core"), violations());
    }

    @Test
    void theEngineMayNotUseAModuleTheRulesDoNotYetName() throws IOException {
        cleanTree();
        pom("metrics", "core");
        pom("onnx", "core", "metrics");
        assertEquals(List.of("modules/onnx/pom.xml: onnx declares vaelab-metrics: the engine (onnx) depends on nothing "
                + "of vaelab but core"), violations());
    }

    @Test
    void aModelModuleReachingTheRunSideFailsInSourceAndInPom() throws IOException {
        cleanTree();
        pom("tracking", "core");
        pom("zoo", "core", "onnx", "tracking");
        source("zoo", "dev/vaelab/zoo/Z.java", "package dev.vaelab.zoo;\nclass Z { dev.vaelab.tracking.RunLogger l; }\n");
        assertEquals(List.of(
                "modules/zoo/pom.xml: zoo declares vaelab-tracking: heads, zoo and data must not depend on train, "
                        + "tracking, export, sweep or cli",
                "modules/zoo/src/main/java/dev/vaelab/zoo/Z.java:2: zoo references dev.vaelab.tracking.RunLogger: heads, "
                        + "zoo and data must not depend on train, tracking, export, sweep or cli"), violations());
    }

    @Test
    void exportReachingIntoZooInternalsFails() throws IOException {
        cleanTree();
        source("export", "dev/vaelab/export/F.java",
                "package dev.vaelab.export;\nimport dev.vaelab.zoo.network.MlpNetwork;\nimport dev.vaelab.zoo.model.VaeModel;\nclass F {}\n");
        assertEquals(List.of("modules/export/src/main/java/dev/vaelab/export/F.java:2: export references "
                + "dev.vaelab.zoo.network.MlpNetwork: export may use of zoo only its graphs (zoo.objective) and "
                + "zoo.model.VaeModel/Posterior, not zoo's internals"), violations());
    }

    @Test
    void anImportThePomDoesNotDeclareFailsEvenWhenItCompilesTransitively() throws IOException {
        cleanTree();
        pom("heads", "onnx");
        source("heads", "dev/vaelab/heads/H.java", "package dev.vaelab.heads;\nimport dev.vaelab.core.A;\nclass H {}\n");
        // a test-scoped dependency does not count for main sources
        source("export", "dev/vaelab/export/T.java", "package dev.vaelab.export;\nimport dev.vaelab.tracking.X;\nclass T {}\n");
        assertEquals(List.of(
                "modules/export/src/main/java/dev/vaelab/export/T.java:2: export references dev.vaelab.tracking.X: its pom "
                        + "(modules/export/pom.xml) does not declare vaelab-tracking",
                "modules/heads/src/main/java/dev/vaelab/heads/H.java:2: heads references dev.vaelab.core.A: its pom "
                        + "(modules/heads/pom.xml) does not declare vaelab-core"), violations());
    }
}
