package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.jdi.BooleanValue;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.LongValue;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;

/**
 * A test fault caused from outside a packaged decision-service, through the JVM's own debug interface (JDWP, attached with
 * JDI), at the moment a publication starts with a decision queued: the entry of {@code DecisionPublisher.sendOutbox(String, CompletableFuture)}
 * when {@code DecisionEngine.hasUnpublished(group)}. What happens there is one of two faults:
 * <ul>
 * <li>{@link #halt}: the worst moment to die. A state publication of that group runs first (as the ticker's may at this
 * instant), and then the process ends at once with status 137, no shutdown hook run (JDWP's VirtualMachine.Exit, as
 * kill -9), with the decision still queued (ADR 0002, {@code DecisionTakeoverIT}).</li>
 * <li>{@link #hold}: the decision is counted and not published. The thread that was about to send it stops there until
 * {@link #release()}, so the decision stays queued, the epoch, active target and switch time it counted stay in the
 * instance's state, and the group's later publications wait behind this one, as they would behind a send that hangs
 * (ADR 0002, "Nothing kept from a lost ownership"; {@code DecisionOwnershipIT}).</li>
 * </ul>
 * <p>
 * The production code knows nothing of it: the process is started with {@link #env} (the JVM reads
 * {@code JAVA_TOOL_OPTIONS}), and {@link #halt} or {@link #hold} attaches and sets a breakpoint at the entry of
 * {@code sendOutbox}. What the breakpoint calls (the publisher's {@code engine} field,
 * {@code DecisionEngine.hasUnpublished(String)} and {@code unpublished(String)},
 * {@code DecisionPublisher.publishState(String)}, the accessors of {@code Decision}) is named here: a rename there fails
 * this fault loudly ({@link IllegalStateException}), it does not pass silently.
 * <p>
 * Only the thread at the breakpoint stops, and every call made there runs on it alone
 * ({@code INVOKE_SINGLE_THREADED}): JDI's default suspends every thread of the process once a call returns.
 */
final class BeforeSendingDecision implements AutoCloseable {

    static final String PUBLISHER = "DecisionPublisher";
    static final int HALT_STATUS = 137;

    /** The decision a {@link #hold} keeps from being sent, as the instance counted it. */
    record HeldDecision(String decisionId, String group, long epoch, String kind, String toTarget, String thread) {
    }

    private enum Action {
        HALT, HOLD
    }

    private final VirtualMachine vm;
    private final Action action;
    /** The group whose decision is held; null: the first group with a decision queued. */
    private final String group;
    private final Thread events;
    private final CountDownLatch holding = new CountDownLatch(1);
    private volatile RuntimeException failure;
    private volatile HeldDecision held;
    private volatile EventSet heldEvents;

    private BeforeSendingDecision(VirtualMachine vm, Action action, String group) {
        this.vm = vm;
        this.action = action;
        this.group = group;
        this.events = new Thread(this::handleEvents, "before-sending-decision");
        this.events.setDaemon(true);
    }

    /** The environment that opens the debug port {@code port} on loopback; the process does not wait for a debugger. */
    static Map<String, String> env(int port) {
        return Map.of("JAVA_TOOL_OPTIONS",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port);
    }

    /**
     * Attaches to the process started with {@link #env}{@code (port)}: its next publication of any group with a decision
     * queued publishes the group's state and halts the process.
     */
    static BeforeSendingDecision halt(int port) {
        return attach(port, Action.HALT, null);
    }

    /**
     * Attaches to the process started with {@link #env}{@code (port)}: its next publication of {@code group} with a
     * decision queued stops before sending it, on the thread that runs it, until {@link #release()} or {@link #close()}.
     */
    static BeforeSendingDecision hold(int port, String group) {
        return attach(port, Action.HOLD, group);
    }

    private static BeforeSendingDecision attach(int port, Action action, String group) {
        AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.transport().name().equals("dt_socket")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = connector.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(String.valueOf(port));
        try {
            BeforeSendingDecision fault = new BeforeSendingDecision(connector.attach(arguments), action, group);
            fault.setBreakpoints();
            fault.events.start();
            return fault;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach to the debug port " + port, e);
        } catch (IllegalConnectorArgumentsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the fault could not fire as designed, if it could not. */
    RuntimeException failure() {
        return failure;
    }

    /** The decision held, once a {@link #hold} holds one. */
    Optional<HeldDecision> held() {
        return Optional.ofNullable(held);
    }

    /** Waits up to {@code timeout} for a {@link #hold} to hold a decision. */
    Optional<HeldDecision> awaitHeld(Duration timeout) throws InterruptedException {
        holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return held();
    }

    /**
     * Lets the held thread run on from the entry of {@code sendOutbox}: it sends what the instance still has queued for
     * the group, if it still decides it. The breakpoint is gone by then: nothing else is held.
     */
    void release() {
        EventSet set = heldEvents;
        if (set == null) {
            throw new IllegalStateException("nothing held");
        }
        heldEvents = null;
        set.resume();
    }

    private void setBreakpoints() {
        ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter("*." + PUBLISHER);
        prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepare.enable();
        vm.allClasses().stream().filter(BeforeSendingDecision::isPublisher).forEach(this::breakAtSendOutbox);
    }

    private static boolean isPublisher(ReferenceType type) {
        return type.name().endsWith("." + PUBLISHER);
    }

    private void breakAtSendOutbox(ReferenceType publisher) {
        Method sendOutbox = only(publisher.methodsByName("sendOutbox",
                "(Ljava/lang/String;Ljava/util/concurrent/CompletableFuture;)Lio/smallrye/mutiny/Uni;"),
                publisher.name() + ".sendOutbox(String, CompletableFuture)");
        BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(sendOutbox.location());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
    }

    private void handleEvents() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean hold = false;
                for (Event event : set) {
                    if (event instanceof VMDisconnectEvent) {
                        return;
                    }
                    if (event instanceof ClassPrepareEvent prepared && isPublisher(prepared.referenceType())) {
                        breakAtSendOutbox(prepared.referenceType());
                    }
                    if (event instanceof BreakpointEvent hit) {
                        hold |= onSendOutbox(hit.thread());
                    }
                }
                if (hold) {
                    heldEvents = set;
                    holding.countDown();
                } else {
                    set.resume();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (com.sun.jdi.VMDisconnectedException e) {
            // halted, or closed
        } catch (RuntimeException e) {
            failure = e;
            holding.countDown();
        }
    }

    /**
     * At the entry of sendOutbox(group): with a decision of the group queued, the fault's action.
     *
     * @return whether the thread is to stay where it is (held)
     */
    private boolean onSendOutbox(ThreadReference thread) {
        try {
            ObjectReference publisher = thread.frame(0).thisObject();
            ReferenceType publisherType = thread.frame(0).location().declaringType();
            Value groupValue = thread.frame(0).getArgumentValues().get(0);
            if (group != null && !group.equals(((StringReference) groupValue).value())) {
                return false; // another group's publication
            }
            ObjectReference engine = (ObjectReference) publisher.getValue(field(publisherType, "engine"));
            if (!((BooleanValue) invoke(thread, engine, engine.referenceType(), "hasUnpublished", groupValue))
                    .value()) {
                return false; // a publication of the state only: nothing to stop before
            }
            if (action == Action.HALT) {
                haltAfterAStatePublication(thread, publisher, publisherType, groupValue);
                return false;
            }
            vm.eventRequestManager().deleteAllBreakpoints(); // one decision held; nothing else stops
            held = queued(thread, engine, groupValue);
            return true;
        } catch (com.sun.jdi.VMDisconnectedException e) {
            throw e; // halted
        } catch (IncompatibleThreadStateException | com.sun.jdi.InvalidTypeException
                | com.sun.jdi.ClassNotLoadedException
                | com.sun.jdi.InvocationException e) {
            throw new IllegalStateException("the fault could not run in the decision-service: " + e, e);
        }
    }

    /** The state publication races in, and is finished (it must publish nothing ahead of the queued decision); then the halt. */
    private void haltAfterAStatePublication(ThreadReference thread, ObjectReference publisher,
            ReferenceType publisherType,
            Value group) throws com.sun.jdi.InvalidTypeException, com.sun.jdi.ClassNotLoadedException,
            IncompatibleThreadStateException, com.sun.jdi.InvocationException {
        ObjectReference state = (ObjectReference) invoke(thread, publisher, publisherType, "publishState", group);
        ObjectReference subscribe = (ObjectReference) invoke(thread, state, state.referenceType(), "subscribe");
        ObjectReference sent = (ObjectReference) invoke(thread, subscribe, subscribe.referenceType(),
                "asCompletionStage");
        invoke(thread, sent, sent.referenceType(), "join");
        // JDWP's VirtualMachine.Exit: the process ends at once, no shutdown hook runs, as kill -9. (Runtime.halt called
        // from here would wait forever: the VM's death waits for this breakpoint's callback to finish.)
        vm.exit(HALT_STATUS);
    }

    /** The first decision of the group's outbox, read through its accessors. */
    private static HeldDecision queued(ThreadReference thread, ObjectReference engine, Value group)
            throws com.sun.jdi.InvalidTypeException, com.sun.jdi.ClassNotLoadedException,
            IncompatibleThreadStateException,
            com.sun.jdi.InvocationException {
        ObjectReference outbox = (ObjectReference) invoke(thread, engine, engine.referenceType(), "unpublished", group);
        ObjectReference first = (ObjectReference) invoke(thread, outbox, outbox.referenceType(), "get",
                thread.virtualMachine().mirrorOf(0));
        ObjectReference kind = (ObjectReference) invoke(thread, first, first.referenceType(), "kind");
        return new HeldDecision(text(invoke(thread, first, first.referenceType(), "decisionId")),
                ((StringReference) group).value(),
                longOf(thread, invoke(thread, first, first.referenceType(), "epoch")),
                text(invoke(thread, kind, kind.referenceType(), "name")),
                text(invoke(thread, first, first.referenceType(), "toTarget")), thread.name());
    }

    /** A long, or a Long (Decision.epoch is one) unboxed in the process. */
    private static long longOf(ThreadReference thread, Value value) throws com.sun.jdi.InvalidTypeException,
            com.sun.jdi.ClassNotLoadedException, IncompatibleThreadStateException, com.sun.jdi.InvocationException {
        if (value instanceof LongValue primitive) {
            return primitive.value();
        }
        ObjectReference boxed = (ObjectReference) value;
        return ((LongValue) invoke(thread, boxed, boxed.referenceType(), "longValue")).value();
    }

    private static String text(Value value) {
        return ((StringReference) value).value();
    }

    private static Value invoke(ThreadReference thread, ObjectReference target, ReferenceType type, String name,
            Value... arguments)
            throws com.sun.jdi.InvalidTypeException, com.sun.jdi.ClassNotLoadedException,
            IncompatibleThreadStateException,
            com.sun.jdi.InvocationException {
        Method method = only(type.methodsByName(name).stream()
                .filter(m -> m.argumentTypeNames().size() == arguments.length && !m.isAbstract()).toList(),
                type.name() + "." + name + " with " + arguments.length + " argument(s)");
        return target.invokeMethod(thread, method, List.of(arguments), ObjectReference.INVOKE_SINGLE_THREADED);
    }

    private static com.sun.jdi.Field field(ReferenceType type, String name) {
        com.sun.jdi.Field field = type.fieldByName(name);
        if (field == null) {
            throw new IllegalStateException("no field " + name + " in " + type.name());
        }
        return field;
    }

    private static <T> T only(List<T> found, String what) {
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + what + " in the decision-service, found " + found.size());
        }
        return found.get(0);
    }

    /** Detaches; a thread still held runs on (JDWP's Dispose resumes what the debugger suspended). */
    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (com.sun.jdi.VMDisconnectedException e) {
            // already gone
        }
    }
}
