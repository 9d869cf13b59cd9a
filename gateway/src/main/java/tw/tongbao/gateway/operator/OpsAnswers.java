package tw.tongbao.gateway.operator;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Turns an action's outcome into 202 (the broker confirmed every command) or throws {@link CommandNotConfirmed}. */
final class OpsAnswers {

    private OpsAnswers() {}

    static ResponseEntity<Map<String, Object>> accepted(OperatorActions.Outcome outcome) {
        return accepted(outcome, Map.of());
    }

    static ResponseEntity<Map<String, Object>> accepted(OperatorActions.Outcome outcome, Map<String, ?> more) {
        if (!outcome.confirmed()) {
            throw new CommandNotConfirmed(outcome);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", outcome.action());
        body.put("target", outcome.target());
        body.put("commands", outcome.commands());
        body.put("auditId", outcome.auditId());
        body.putAll(more);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }
}
