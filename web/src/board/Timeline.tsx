/**
 * A timeline of the loads shown: one bar per load from its start to its finish (or to now while it runs),
 * coloured by status, newest on top. Where a table says "3 min", the bars show which loads overlapped and
 * which one took the longest.
 */
import { durationMs, finishMs, formatDuration, startMs, type Load } from './model';

const MAX_BARS = 40;
const ROW = 12;
const WIDTH = 1000;

export function Timeline({
  loads,
  now,
  onSelect,
}: {
  loads: readonly Load[];
  now: number;
  onSelect: (id: string) => void;
}) {
  const bars = loads.filter((l) => startMs(l) !== undefined).slice(0, MAX_BARS);
  if (bars.length === 0) return null;
  const ends = bars.map((l) => finishMs(l) ?? (l.terminal ? startMs(l)! : now));
  const from = Math.min(...bars.map((l) => startMs(l)!));
  const to = Math.max(from + 1_000, ...ends);
  const x = (t: number): number => ((t - from) / (to - from)) * WIDTH;
  const height = bars.length * ROW;
  return (
    <figure class="timeline" aria-label="Timeline of the loads shown">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} preserveAspectRatio="none" style={{ height: `${height}px` }}>
        {bars.map((load, i) => {
          const start = x(startMs(load)!);
          const width = Math.max(2, x(ends[i]!) - start);
          return (
            <rect
              key={load.id}
              class={`bar status-${load.status}${load.terminal ? '' : ' running'}`}
              x={start}
              y={i * ROW + 2}
              width={width}
              height={ROW - 4}
              rx={2}
              onClick={() => onSelect(load.id)}
            >
              <title>
                {load.kind.toLowerCase().replace(/_/g, ' ')} · {load.status} ·{' '}
                {formatDuration(durationMs(load, now))}
              </title>
            </rect>
          );
        })}
      </svg>
      <figcaption>
        <span>{new Date(from).toLocaleString()}</span>
        <span>
          {bars.length} of {loads.length} loads · span {formatDuration(to - from)}
        </span>
        <span>{new Date(to).toLocaleString()}</span>
      </figcaption>
    </figure>
  );
}
