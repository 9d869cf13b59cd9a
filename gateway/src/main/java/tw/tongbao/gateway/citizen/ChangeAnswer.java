package tw.tongbao.gateway.citizen;

import tools.jackson.databind.json.JsonMapper;

/**
 * The answer to a filing: the change as the citizen sees it, and that view already written as JSON, so the body sent
 * is the very JSON stored for replaying the answer rather than a second serialisation of the same view.
 *
 * @param view the change as {@code GET} shows it
 * @param json {@code view} as UTF-8 JSON, the response body
 */
record ChangeAnswer(ChangeView view, byte[] json) {

    /** Writes the view with the mapper the web layer uses. */
    static ChangeAnswer of(ChangeView view, JsonMapper mapper) {
        return new ChangeAnswer(view, mapper.writeValueAsBytes(view));
    }
}
