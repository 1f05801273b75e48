// The part of autocannon's API the bench uses (the package ships no types).
declare module 'autocannon' {
  interface Histogram { average: number; mean: number; stddev: number; min: number; max: number; p50: number; p90: number; p99: number; p99_9?: number; totalCount?: number }
  interface RequestData { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; [k: string]: unknown }
  interface AutocannonRequest extends RequestData {
    setupRequest?: (req: RequestData, context: Record<string, unknown>) => RequestData | null;
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  }
  interface Options {
    url: string | string[];
    connections?: number;
    pipelining?: number;
    amount?: number;
    duration?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    requests?: AutocannonRequest[];
  }
  interface Result {
    duration: number;
    latency: Histogram;
    requests: Histogram & { total: number; sent: number };
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    resets: number;
  }
  function autocannon(opts: Options): Promise<Result> & { stop(): void };
  export default autocannon;
}
