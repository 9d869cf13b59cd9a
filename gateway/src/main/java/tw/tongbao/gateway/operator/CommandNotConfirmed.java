package tw.tongbao.gateway.operator;

/** The broker did not confirm (some of) an action's commands; the operator may try again (503). */
class CommandNotConfirmed extends RuntimeException {

    private final transient OperatorActions.Outcome outcome;

    CommandNotConfirmed(OperatorActions.Outcome outcome) {
        super(outcome.unconfirmed().size() + " of " + outcome.commands() + " command(s) not confirmed by the broker: "
                + outcome.failure());
        this.outcome = outcome;
    }

    OperatorActions.Outcome outcome() {
        return outcome;
    }
}
