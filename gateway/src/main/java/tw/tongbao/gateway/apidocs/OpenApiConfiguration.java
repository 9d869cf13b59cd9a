package tw.tongbao.gateway.apidocs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}): what the API is and
 * how callers authenticate; each controller describes its own operations.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI tongbaoOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Tongbao (通報) gateway API")
                        .version("v1")
                        .description("Tell government once: file an address, name, contact or death report once;"
                                + " Tongbao delivers it to every agency entitled to it. Errors are RFC 9457"
                                + " application/problem+json; validation failures list {field, message} under"
                                + " `errors`. The contract: docs/CONTRACT.md §2.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(
                                ApiDocs.BEARER_JWT,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("An RS256 token from the deployment's sign-in service: `sub` is"
                                                + " the filer's national ID, `name` the filer's name, `roles`"
                                                + " (optional) OPERATOR or AUDITOR for staff.")));
    }
}
