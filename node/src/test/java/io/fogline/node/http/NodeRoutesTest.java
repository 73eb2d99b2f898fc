package io.fogline.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeRoutesTest {

    private static final NodeRoute.Handler NOTHING = (request, path) -> {};

    private final NodeRoutes routes = new NodeRoutes(List.of(
            new NodeRoute(HttpMethod.GET, "/v2/models/stats", ApiGroup.STATISTICS, NOTHING),
            new NodeRoute(HttpMethod.GET, "/v2/models/{model}", ApiGroup.METADATA, NOTHING),
            new NodeRoute(HttpMethod.POST, "/v2/models/{model}/versions/{version}/infer", ApiGroup.INFERENCE, NOTHING),
            new NodeRoute(HttpMethod.GET, "/v2/health/live", ApiGroup.HEALTH, NOTHING),
            new NodeRoute(HttpMethod.HEAD, "/v2/health/live", ApiGroup.HEALTH, NOTHING)));

    @Test
    void aLiteralRouteListedFirstWinsOverAParameter() {
        NodeRoutes.Match match = routes.match(HttpMethod.GET, "/v2/models/stats");
        assertThat(match).isInstanceOfSatisfying(NodeRoutes.Match.Found.class, found -> assertThat(
                        found.route().group())
                .isEqualTo(ApiGroup.STATISTICS));
    }

    @Test
    void parametersAreReadByName() {
        NodeRoutes.Match match = routes.match(HttpMethod.POST, "/v2/models/mlp/versions/3/infer/");
        assertThat(match).isInstanceOfSatisfying(NodeRoutes.Match.Found.class, found -> {
            assertThat(found.parameters().get("model")).isEqualTo("mlp");
            assertThat(found.parameters().get("version")).isEqualTo("3");
            assertThat(found.parameters().get("other")).isNull();
        });
    }

    @Test
    void aWrongMethodIsToldEveryMethodThePathTakes() {
        assertThat(routes.match(HttpMethod.DELETE, "/v2/health/live"))
                .isEqualTo(new NodeRoutes.Match.WrongMethod(Set.of("GET", "HEAD")));
    }

    @Test
    void pathsOfNoRouteFindNothing() {
        assertThat(routes.match(HttpMethod.GET, "/v2/models/mlp/versions/3/infer/more/and/more"))
                .isInstanceOf(NodeRoutes.Match.Nothing.class);
        assertThat(routes.match(HttpMethod.GET, "/v2//")).isInstanceOf(NodeRoutes.Match.Nothing.class);
        assertThat(routes.match(HttpMethod.GET, "/")).isInstanceOf(NodeRoutes.Match.Nothing.class);
        assertThat(routes.match(HttpMethod.GET, "/v2/health/dead")).isInstanceOf(NodeRoutes.Match.Nothing.class);
    }
}
