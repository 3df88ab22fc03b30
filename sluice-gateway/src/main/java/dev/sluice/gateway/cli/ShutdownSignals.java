package dev.sluice.gateway.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.util.List;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT <em>before</em> the JVM starts its own shutdown.
 * With only a shutdown hook, the JDK's LogManager resets its handlers from a hook of its own that
 * runs concurrently, and the drain and close steps go unlogged. Handling the signal ourselves lets
 * {@code serve} finish the shutdown and then exit normally; the hook stays as the fallback for any
 * other way the JVM is told to exit.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is looked up at run time: referenced in source,
 * javac warns that it is internal proprietary API, a warning no {@code @SuppressWarnings} or lint flag
 * silences, and main code compiles with {@code -Werror}. Should it ever be gone, the hook still closes.
 */
final class ShutdownSignals {

    private ShutdownSignals() {}

    static void install(Runnable gracefulClose) {
        Runtime.getRuntime().addShutdownHook(new Thread(gracefulClose, "sluice-shutdown-hook"));
        Runnable onSignal = () -> Thread.ofPlatform().name("sluice-shutdown").start(gracefulClose);
        for (String name : List.of("TERM", "INT")) {
            try {
                handle(name, onSignal);
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // this platform does not let us handle it: the shutdown hook still closes gracefully
            }
        }
    }

    /**
     * {@code sun.misc.Signal.handle(new Signal(name), signal -> onSignal.run())}, reflectively.
     *
     * @throws IllegalArgumentException the signal is unknown here or reserved by the JVM (e.g. under -Xrs)
     * @throws UnsupportedOperationException sun.misc.Signal is not available
     */
    private static void handle(String name, Runnable onSignal) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            MethodHandle run = MethodHandles.publicLookup()
                    .findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
                    .bindTo(onSignal);
            // SignalHandler.handle(Signal): the signal argument is dropped
            Object handler = MethodHandleProxies.asInterfaceInstance(
                    handlerClass, MethodHandles.dropArguments(run, 0, signalClass));
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new UnsupportedOperationException("sun.misc.Signal failed for SIG" + name, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("sun.misc.Signal is not available", e);
        }
    }

    /** A one-line log format unless the operator configured one. Call first in main. */
    static void defaultLogFormat() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty(
                    "java.util.logging.SimpleFormatter.format", dev.sluice.gateway.logging.TextLogFormatter.FORMAT);
        }
    }
}
