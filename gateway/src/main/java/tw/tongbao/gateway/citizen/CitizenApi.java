package tw.tongbao.gateway.citizen;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.gateway.apidocs.ApiDocs;
import tw.tongbao.gateway.apidocs.Problem;
import tw.tongbao.gateway.security.Filer;

/** The citizen API as the OpenAPI document describes it (CONTRACT §2); {@link ChangeController} implements it. */
@Tag(name = "Citizen", description = "File a change once; follow its delivery to every agency")
@SecurityRequirement(name = ApiDocs.BEARER_JWT)
@ApiResponse(
        responseCode = "401",
        description = "No bearer token, or one that is expired or not from a trusted sign-in service",
        content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
interface CitizenApi {

    @Operation(
            summary = "File a change",
            description = "Validates and records the change, then delivers it to every LAW agency that takes its type"
                    + " and to the CONSENT agencies listed in `notify`. The same Idempotency-Key with the same body"
                    + " answers the first answer again and files nothing new.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            description = "At most 64 KiB of UTF-8 JSON",
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = Filing.class),
                                            examples = {
                                                @ExampleObject(name = "ADDRESS_CHANGE", value = Examples.ADDRESS),
                                                @ExampleObject(name = "NAME_CHANGE", value = Examples.NAME),
                                                @ExampleObject(name = "CONTACT_CHANGE", value = Examples.CONTACT),
                                                @ExampleObject(name = "DEATH_REPORT", value = Examples.DEATH)
                                            })))
    @Parameter(
            name = IdempotencyKey.HEADER,
            in = ParameterIn.HEADER,
            required = true,
            description = "1–255 printable characters, new for every filing (e.g. a UUID); repeating it with the"
                    + " same body is safe and files once",
            schema = @Schema(type = "string", minLength = 1, maxLength = 255, example = "8f14e45f-ceea-4a6b-9b1d"))
    @ApiResponse(
            responseCode = "202",
            description = "Accepted; the change as GET shows it",
            headers = @Header(name = "Location", description = "/api/v1/changes/{receipt}"),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChangeView.class)))
    @ApiResponse(
            responseCode = "400",
            description = "Not JSON, or no valid Idempotency-Key",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "403",
            description = "The subject is not the filer (allowed only for DEATH_REPORT)",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "409",
            description = "The Idempotency-Key was already used with a different body",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "413",
            description = "The body is over 64 KiB",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "415",
            description = "The body is not application/json",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "422",
            description = "Invalid; `errors` lists every offending field. Nothing is stored.",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(
            responseCode = "503",
            description = "Too many filings are waiting, the gateway is stopping, or the filing did not commit within"
                    + " 30 s (it may still). Try again after `Retry-After` seconds with the same Idempotency-Key,"
                    + " which files the change at most once.",
            headers = @Header(name = "Retry-After", description = "Seconds to wait"),
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    CompletableFuture<ResponseEntity<byte[]>> file(
            @Parameter(hidden = true) Filer filer,
            @Parameter(hidden = true) String idempotencyKey,
            HttpServletRequest request)
            throws IOException;

    @Operation(
            summary = "One of the filer's changes",
            description = "With each agency's delivery: its status, timeline, and the fields that agency receives.")
    @ApiResponse(responseCode = "200", description = "The change")
    @ApiResponse(
            responseCode = "404",
            description = "No change with this receipt was filed by the signed-in filer",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    ChangeView get(
            @Parameter(hidden = true) Filer filer,
            @Parameter(description = "The receipt, e.g. TB-7F3K9QXZ2M") String receipt);

    @Operation(summary = "The filer's changes", description = "Newest first, paged.")
    @ApiResponse(responseCode = "200", description = "One page")
    @ApiResponse(
            responseCode = "400",
            description = "page below 0, or size outside 1–100",
            content = @Content(mediaType = ApiDocs.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    ChangePage list(
            @Parameter(hidden = true) Filer filer,
            @Parameter(description = "Zero-based page number") int page,
            @Parameter(description = "Changes per page, 1–100") int size);

    /**
     * The request body of {@code POST /api/v1/changes}, for the OpenAPI document only (the controller reads the raw
     * body so it can cap and fingerprint it).
     *
     * @param type the change type
     * @param subjectId whose data changes: the filer, or the deceased for a death report
     * @param effectiveDate when the change takes effect
     * @param data the type's fields
     * @param agenciesToNotify {@code notify}: the consent-based agencies the citizen chooses
     */
    @Schema(name = "ChangeFiling")
    record Filing(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            ChangeType type,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    example = "A123456789",
                    description = "National ID or resident certificate number (2021 format), checksum" + " verified")
            String subjectId,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "ADDRESS_CHANGE: at most 30 days past or 90 days ahead (Taiwan time)")
            LocalDate effectiveDate,

            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "ADDRESS_CHANGE: address {postalCode (3/5/6 digits), city (one of the 22;"
                            + " 台 → 臺), district, village?, neighborhood?, street?, lane?, alley?, number?,"
                            + " floor?, unit?}, previousAddress?; NAME_CHANGE: name, romanizedName?;"
                            + " CONTACT_CHANGE: phone (09xxxxxxxx or +8869xxxxxxxx) and/or email;"
                            + " DEATH_REPORT: dateOfDeath, relationship, name. Unknown fields are refused.")
            Map<String, Object> data,

            @Schema(
                    description = "CONSENT agencies to tell (see GET /api/v1/catalog); LAW agencies are always"
                            + " told and may not be listed. Omitted means none.",
                    example = "[\"TPC\", \"POST\"]")
            @JsonProperty("notify")
            List<String> agenciesToNotify) {}

    /** Example bodies, one per change type. */
    final class Examples {
        static final String ADDRESS = """
                {"type": "ADDRESS_CHANGE", "subjectId": "A123456789", "effectiveDate": "2026-12-01",
                 "data": {"address": {"postalCode": "106", "city": "臺北市", "district": "大安區",
                          "street": "羅斯福路四段", "number": "1號", "floor": "5樓"}},
                 "notify": ["TPC", "POST"]}""";
        static final String NAME = """
                {"type": "NAME_CHANGE", "subjectId": "A123456789", "effectiveDate": "2026-12-01",
                 "data": {"name": "王曉明", "romanizedName": "WANG, HSIAO-MING"}, "notify": ["TPC"]}""";
        static final String CONTACT = """
                {"type": "CONTACT_CHANGE", "subjectId": "A123456789", "effectiveDate": "2026-12-01",
                 "data": {"phone": "0912345678", "email": "ming@example.tw"}}""";
        static final String DEATH = """
                {"type": "DEATH_REPORT", "subjectId": "F131104093", "effectiveDate": "2026-11-20",
                 "data": {"dateOfDeath": "2026-11-20", "relationship": "子女", "name": "陳志明"}}""";

        private Examples() {}
    }
}
