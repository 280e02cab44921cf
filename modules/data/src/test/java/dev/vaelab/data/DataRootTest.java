package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataRootTest {
    private static final Map<String, String> ENV = Map.of(
            "HOME", "/home/ada",
            "XDG_CACHE_HOME", "/xdg/cache",
            "VAELAB_DATA", "/env/data");

    @Test
    void dataDirOptionWinsOverEverything() {
        assertEquals(Path.of("/cli/data"), DataRoot.resolve(Optional.of(Path.of("/cli/data")), ENV).path());
    }

    @Test
    void environmentVariableComesNext() {
        assertEquals(Path.of("/env/data"), DataRoot.resolve(Optional.empty(), ENV).path());
    }

    @Test
    void xdgCacheHomeThenHomeCache() {
        Map<String, String> noVaelab = Map.of("HOME", "/home/ada", "XDG_CACHE_HOME", "/xdg/cache", "VAELAB_DATA", "  ");
        assertEquals(Path.of("/xdg/cache/vaelab/data"), DataRoot.resolve(Optional.empty(), noVaelab).path());
        assertEquals(Path.of("/home/ada/.cache/vaelab/data"), DataRoot.resolve(Optional.empty(), Map.of("HOME", "/home/ada")).path());
    }

    @Test
    void relativeXdgCacheHomeIsIgnoredAsTheSpecificationSays() {
        Map<String, String> env = Map.of("HOME", "/home/ada", "XDG_CACHE_HOME", "relative/cache");
        assertEquals(Path.of("/home/ada/.cache/vaelab/data"), DataRoot.resolve(Optional.empty(), env).path());
    }

    @Test
    void tildeMeansHomeAndRelativePathsBecomeAbsolute() {
        assertEquals(Path.of("/home/ada/datasets"), DataRoot.resolve(Optional.empty(), Map.of("HOME", "/home/ada", "VAELAB_DATA", "~/datasets")).path());
        DataRoot relative = DataRoot.resolve(Optional.of(Path.of("some/../data")), ENV);
        assertEquals(Path.of("data").toAbsolutePath(), relative.path());
    }

    @Test
    void datasetsLiveInTheirOwnDirectory() {
        DataRoot root = new DataRoot(Path.of("/d"));
        assertEquals(Path.of("/d/fashion-mnist"), root.directory(new Catalog().get("fashion-mnist")));
    }
}
