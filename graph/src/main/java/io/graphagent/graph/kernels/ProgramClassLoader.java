package io.graphagent.graph.kernels;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * The class loader of one user program jar: the jar's own classes first (so a program and the
 * libraries it packs do not mix with graphagent's classes of the same name), then the parent;
 * the API ({@code io.graphagent.api}) and the platform ({@code java.}, {@code javax.},
 * {@code jdk.}, {@code sun.}) always from the parent, so the program and the engine share one
 * {@code VertexProgram} type. Closed after the run.
 */
final class ProgramClassLoader extends URLClassLoader {
    private static final String[] PARENT_FIRST = {"java.", "javax.", "jdk.", "sun.", "io.graphagent.api."};

    static {
        registerAsParallelCapable();
    }

    ProgramClassLoader(URL jar, ClassLoader parent) {
        super("graphagent-program", new URL[] {jar}, parent);
    }

    /** Whether the jar itself holds class {@code className} (not a parent). */
    boolean holds(String className) {
        return findResource(className.replace('.', '/') + ".class") != null;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : PARENT_FIRST) {
            if (name.startsWith(prefix)) {
                return super.loadClass(name, resolve);
            }
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                try {
                    type = findClass(name);
                } catch (ClassNotFoundException e) {
                    return super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }
}
