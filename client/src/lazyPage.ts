import { type ComponentType, lazy, type LazyExoticComponent } from "react";

export type LazyPage<M, P> = LazyExoticComponent<ComponentType<P>> & {
  /** starts fetching the page's code (once) and resolves with its module */
  preload(): Promise<M>;
};

/**
 * A part of the app whose code loads on first use, like React's `lazy`, with one difference: once
 * `preload()` has brought the code, the part renders in the same pass as its parent instead of
 * suspending. React's `lazy` always suspends on first render, even for code already here, and each
 * suspension costs a fallback, a re-render in small slices between frames and up to 300 ms of React's
 * throttling before it is revealed — on a throttled phone that was most of a second for the
 * forum room (layout, area, page: three in a row). See docs/PERFORMANCE.md, first load.
 */
export function lazyPage<M, P = object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>): LazyPage<M, P> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  const preload = (): Promise<M> => {
    loading ??= load().then(
      (module) => {
        loaded = module;
        return module;
      },
      (err: unknown) => {
        // a failed fetch (a restart, a dropped network) may be tried again by the next render
        loading = undefined;
        throw err;
      },
    );
    return loading;
  };
  const Page = lazy(() => {
    if (loaded === undefined) return preload().then((module) => ({ default: pick(module) }));
    const settled = { default: pick(loaded) };
    // React reads a thenable that calls back at once without suspending (its lazyInitializer)
    // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what React.lazy takes here
    return { then: (resolve: (value: typeof settled) => void) => resolve(settled) } as Promise<typeof settled>;
  });
  return Object.assign(Page, { preload });
}
