package dev.failover.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.sun.jdi.BooleanValue;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
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
 * JDI): the worst moment to die. When the publisher starts a publication of a group with a decision queued, a state
 * publication of that group runs first (as the ticker's may at this instant), and then the process ends at once with
 * status 137, no shutdown hook run (JDWP's VirtualMachine.Exit, as kill -9), with the decision still queued (ADR 0002,
 * {@code DecisionTakeoverIT}).
 * <p>
 * The production code knows nothing of it: the process is started with {@link #env} (the JVM reads
 * {@code JAVA_TOOL_OPTIONS}), and {@link #arm} attaches and sets a breakpoint at the entry of
 * {@code DecisionPublisher.sendOutbox(String)}. What the breakpoint calls (the publisher's {@code engine} field,
 * {@code DecisionEngine.hasUnpublished(String)}, {@code DecisionPublisher.publishState(String)}) is named here: a rename
 * there fails this fault loudly ({@link IllegalStateException}), it does not pass silently.
 * <p>
 * Only the thread at the breakpoint stops, and every call made there runs on it alone
 * ({@code INVOKE_SINGLE_THREADED}): JDI's default suspends every thread of the process once a call returns.
 */
final class HaltBeforeSendingDecision implements AutoCloseable {

    static final String PUBLISHER = "DecisionPublisher";
    static final int HALT_STATUS = 137;

    private final VirtualMachine vm;
    private final Thread events;
    private volatile RuntimeException failure;

    private HaltBeforeSendingDecision(VirtualMachine vm) {
        this.vm = vm;
        this.events = new Thread(this::handleEvents, "halt-before-sending-decision");
        this.events.setDaemon(true);
    }

    /** The environment that opens the debug port {@code port} on loopback; the process does not wait for a debugger. */
    static Map<String, String> env(int port) {
        return Map.of("JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port);
    }

    /** Attaches to the process started with {@link #env}{@code (port)} and sets the fault; it fires on the next decision. */
    static HaltBeforeSendingDecision arm(int port) {
        AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.transport().name().equals("dt_socket")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = connector.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(String.valueOf(port));
        try {
            HaltBeforeSendingDecision fault = new HaltBeforeSendingDecision(connector.attach(arguments));
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

    private void setBreakpoints() {
        ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter("*." + PUBLISHER);
        prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepare.enable();
        vm.allClasses().stream().filter(HaltBeforeSendingDecision::isPublisher).forEach(this::breakAtSendOutbox);
    }

    private static boolean isPublisher(ReferenceType type) {
        return type.name().endsWith("." + PUBLISHER);
    }

    private void breakAtSendOutbox(ReferenceType publisher) {
        Method sendOutbox = only(publisher.methodsByName("sendOutbox", "(Ljava/lang/String;)Lio/smallrye/mutiny/Uni;"),
                publisher.name() + ".sendOutbox(String)");
        BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(sendOutbox.location());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
    }

    private void handleEvents() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                for (Event event : set) {
                    if (event instanceof VMDisconnectEvent) {
                        return;
                    }
                    if (event instanceof ClassPrepareEvent prepared && isPublisher(prepared.referenceType())) {
                        breakAtSendOutbox(prepared.referenceType());
                    }
                    if (event instanceof BreakpointEvent hit) {
                        onSendOutbox(hit.thread());
                    }
                }
                set.resume();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (com.sun.jdi.VMDisconnectedException e) {
            // halted, or closed
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** At the entry of sendOutbox(group): with a decision of the group queued, a state publication, then the halt. */
    private void onSendOutbox(ThreadReference thread) {
        try {
            ObjectReference publisher = thread.frame(0).thisObject();
            ReferenceType publisherType = thread.frame(0).location().declaringType();
            Value group = thread.frame(0).getArgumentValues().get(0);
            ObjectReference engine = (ObjectReference) publisher.getValue(field(publisherType, "engine"));
            if (!((BooleanValue) invoke(thread, engine, engine.referenceType(), "hasUnpublished", group)).value()) {
                return; // a publication of the state only: nothing to die before
            }
            // the state publication races in, and is finished (it must publish nothing ahead of the queued decision)
            ObjectReference state = (ObjectReference) invoke(thread, publisher, publisherType, "publishState", group);
            ObjectReference subscribe = (ObjectReference) invoke(thread, state, state.referenceType(), "subscribe");
            ObjectReference sent = (ObjectReference) invoke(thread, subscribe, subscribe.referenceType(), "asCompletionStage");
            invoke(thread, sent, sent.referenceType(), "join");
            // JDWP's VirtualMachine.Exit: the process ends at once, no shutdown hook runs, as kill -9. (Runtime.halt called
            // from here would wait forever: the VM's death waits for this breakpoint's callback to finish.)
            vm.exit(HALT_STATUS);
        } catch (com.sun.jdi.VMDisconnectedException e) {
            throw e; // halted
        } catch (IncompatibleThreadStateException | com.sun.jdi.InvalidTypeException | com.sun.jdi.ClassNotLoadedException
                | com.sun.jdi.InvocationException e) {
            throw new IllegalStateException("the fault could not run in the decision-service: " + e, e);
        }
    }

    private static Value invoke(ThreadReference thread, ObjectReference target, ReferenceType type, String name,
            Value... arguments)
            throws com.sun.jdi.InvalidTypeException, com.sun.jdi.ClassNotLoadedException, IncompatibleThreadStateException,
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

    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (com.sun.jdi.VMDisconnectedException e) {
            // already gone
        }
    }
}
