import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { ContactsReport } from '../../api/types.js';
import type { Resource } from '../../api/useResource.js';
import { Link } from '../../app/router.js';
import { formatBucket, formatDateTime } from '../../format/dates.js';
import { formatCount } from '../../format/numbers.js';
import { formatPhone } from '../../format/phone.js';
import { EmptyState, Stat, Stats } from '../../ui/layout.js';
import { SERIES } from '../palette.js';
import { DataTable, ReportCard } from '../ReportCard.js';
import {
  ANIMATE,
  axisProps,
  bucketTick,
  ChartBox,
  countTick,
  countTooltip,
  gridProps,
  legendProps,
  tooltipProps,
  Y_AXIS_WIDTH,
  yLabel,
} from './common.js';

export function ContactsSection({
  resource,
  timeZone,
  phoneNumberId,
}: {
  resource: Resource<ContactsReport>;
  timeZone: string | null;
  phoneNumberId: string;
}) {
  return (
    <ReportCard
      id="contacts"
      title="Contacts"
      description="Who the business talks to: new and active contacts per day, and the most active ones."
      resource={resource}
      isEmpty={(d) => d.total === 0}
      empty={
        <EmptyState title="No contact wrote or was written to in this range.">
          <p>
            {resource.data?.known
              ? `The number knows ${formatCount(resource.data.known)} contacts; pick a wider range above.`
              : 'Contacts appear once the phone’s address book syncs or someone writes.'}
          </p>
        </EmptyState>
      }
      table={(d) => ({
        columns: [
          { key: 'day', label: 'Day' },
          { key: 'new', label: 'New contacts', numeric: true },
          { key: 'active', label: 'Active contacts', numeric: true },
        ],
        rows: d.per_day.map((r) => ({
          day: formatBucket(r.day, timeZone),
          new: formatCount(r.new_contacts),
          active: formatCount(r.active_contacts),
        })),
      })}
    >
      {(d) => (
        <>
          <Stats>
            <Stat label="Active in range" value={formatCount(d.total)} testId="contacts-total" />
            <Stat label="New in range" value={formatCount(d.new)} hint="first message in the range" />
            <Stat label="Known" value={formatCount(d.known)} hint="all contacts of the number" />
            <Stat label="Opted out" value={formatCount(d.opted_out)} hint="of marketing" />
          </Stats>
          <ChartBox label={`Contacts per day: ${formatCount(d.new)} new in the range.`} height={220}>
            <ComposedChart data={d.per_day} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid {...gridProps} />
              <XAxis
                dataKey="day"
                {...axisProps}
                tickFormatter={bucketTick(timeZone)}
                interval="preserveStartEnd"
                minTickGap={24}
              />
              <YAxis
                {...axisProps}
                tickFormatter={countTick}
                width={Y_AXIS_WIDTH}
                allowDecimals={false}
                label={yLabel('Contacts')}
              />
              <Tooltip
                {...tooltipProps}
                labelFormatter={(l) => formatBucket(String(l), timeZone)}
                formatter={countTooltip}
              />
              <Legend {...legendProps} />
              <Bar
                isAnimationActive={ANIMATE}
                dataKey="new_contacts"
                name="New"
                fill={SERIES.newContacts}
                maxBarSize={20}
              />
              <Line
                isAnimationActive={ANIMATE}
                type="monotone"
                dataKey="active_contacts"
                name="Active"
                stroke={SERIES.activeContacts}
                strokeWidth={2}
                dot={false}
              />
            </ComposedChart>
          </ChartBox>
          {d.most_active.length > 0 ? (
            <>
              <h3 className="chart-title">Most active</h3>
              <DataTable
                caption="Most active contacts"
                table={{
                  columns: [
                    { key: 'contact', label: 'Contact' },
                    { key: 'messages', label: 'Messages', numeric: true },
                    { key: 'split', label: 'Received / sent', numeric: true },
                    { key: 'last', label: 'Last message' },
                  ],
                  rows: d.most_active.slice(0, 10).map((c) => ({
                    contact: (
                      <Link
                        to={`/send?number=${phoneNumberId}&to=${encodeURIComponent(c.contact)}`}
                        title="Write to this contact"
                      >
                        {c.name ?? <span className="nowrap">{formatPhone(c.contact)}</span>}
                        {c.name ? <span className="cell-sub">{formatPhone(c.contact)}</span> : null}
                      </Link>
                    ),
                    messages: formatCount(c.messages),
                    split: `${formatCount(c.inbound)} / ${formatCount(c.outbound)}`,
                    last: formatDateTime(c.last_message_at, timeZone),
                  })),
                }}
              />
            </>
          ) : null}
        </>
      )}
    </ReportCard>
  );
}
