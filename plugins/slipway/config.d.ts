export interface Config {
  slipway?: {
    /** Settings of Slipway's frontend plugin. */
    frontend?: {
      /**
       * Refresh Slipway's card, tab and page by polling every this many
       * milliseconds (1000 to 3600000) instead of following the event stream.
       * For comparisons and for networks that break long-lived responses;
       * without it the views are live and poll only while the stream is down.
       * A `?slipwayPoll=<ms>` query parameter overrides it for one page.
       * @visibility frontend
       */
      pollIntervalMs?: number;
    };
  };
}
