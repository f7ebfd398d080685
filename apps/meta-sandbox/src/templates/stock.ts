/**
 * The templates every sandbox WABA starts with, in the shape `GET /<WABA>/message_templates`
 * returns (`fixtures/meta/payloads/templates-list-response.json`). Between them they cover
 * each kind of send the platform must get right: Meta's stock `hello_world` (no parameters),
 * positional and named body parameters, a text header with a parameter, an IMAGE header, URL
 * buttons with and without a dynamic suffix, QUICK_REPLY and PHONE_NUMBER buttons, and
 * UTILITY and MARKETING categories.
 */
export interface StockTemplate {
  name: string;
  language: string;
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  sub_category?: string;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: Array<Record<string, unknown>>;
}

export const STOCK_TEMPLATES: readonly StockTemplate[] = [
  {
    // Meta puts this one on every new WABA.
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    name: 'order_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Pablo' },
            { param_name: 'order_number', example: '860198-230332' },
          ],
        },
      },
    ],
  },
  {
    name: 'shipping_update',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order {{2}} has shipped and should arrive on {{3}}.',
        example: { body_text: [['Pablo', '860198-230332', 'Friday']] },
      },
      { type: 'FOOTER', text: 'Reply STOP to stop these updates' },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: 'Track package',
            url: 'https://shop.example.com/track/{{1}}',
            example: ['https://shop.example.com/track/860198-230332'],
          },
        ],
      },
    ],
  },
  {
    name: 'reservation_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'HEADER',
        format: 'IMAGE',
        example: { header_handle: ['https://scontent.whatsapp.net/v/t61.29466-34/sandbox-header.jpg'] },
      },
      {
        type: 'BODY',
        text: "*You're all set!*\n\nYour reservation for {{number_of_guests}} at Lucky Shrub Eatery on {{day}}, {{date}}, at {{time}}, is confirmed. See you then!",
        example: {
          body_text_named_params: [
            { param_name: 'number_of_guests', example: '4' },
            { param_name: 'day', example: 'Saturday' },
            { param_name: 'date', example: 'August 30th, 2025' },
            { param_name: 'time', example: '7:30 pm' },
          ],
        },
      },
      { type: 'FOOTER', text: 'Lucky Shrub Eatery: The Luckiest Eatery in Town!' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Change reservation', url: 'https://www.luckyshrubeater.com/reservations' },
          { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+16467043595' },
          { type: 'QUICK_REPLY', text: 'Cancel reservation' },
        ],
      },
    ],
  },
  {
    name: 'welcome_discount_template',
    language: 'en_US',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'HEADER',
        format: 'IMAGE',
        example: { header_handle: ['https://scontent.whatsapp.net/v/t61.29466-34/sandbox-welcome.jpg'] },
      },
      {
        type: 'BODY',
        text: 'Welcome, {{first_name}}! Use code {{discount_code}} at checkout to get {{discount_amount}} off your first order.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Jessica' },
            { param_name: 'discount_code', example: 'WELCOME25' },
            { param_name: 'discount_amount', example: '25%' },
          ],
        },
      },
    ],
  },
  {
    name: 'coupon_expiration_reminder_number_vars',
    language: 'en',
    category: 'MARKETING',
    sub_category: 'CUSTOM',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Act fast, {{1}}!', example: { header_text: ['Pablo'] } },
      {
        type: 'BODY',
        text: "Just a quick reminder—your exclusive coupon code, {{1}}, *expires in only {{2}} days!* Don't miss out on our special deals. Use your code at checkout before it's too late.\n\nHappy shopping! 😃",
        example: { body_text: [['SUMMER20', '10']] },
      },
      { type: 'FOOTER', text: 'Lucky Shrub Succulents' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'See deals', url: 'https://www.luckyshrub.com/deals' },
          { type: 'QUICK_REPLY', text: 'Unsubscribe' },
        ],
      },
    ],
  },
];
